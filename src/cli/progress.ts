/** A one-line progress bar on a terminal; nothing when the output is piped (logs stay clean). */
export function progressBar(
  label: string,
): ((done: number, total: number, bytes: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total, bytes) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${(bytes / 1048576).toFixed(1)} MiB`,
    );
    if (done === total) process.stderr.write('\n');
  };
}
