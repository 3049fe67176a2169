// Placeholder until the command lands; owned by the issue that builds it.
export async function run(_args: string[]): Promise<number> {
  console.error('cnn-studio import: not built yet.');
  return 1;
}
