// Placeholder until the command lands; owned by the issue that builds it.
export async function run(_args: string[]): Promise<number> {
  console.error('cnn-studio train: not built yet.');
  return 1;
}
