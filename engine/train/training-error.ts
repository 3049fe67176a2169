/** A failure already phrased for people; the run manager shows `message` as is. */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}
