/**
 * A one-line progress bar on a terminal; nothing when the output is piped (logs stay clean). While the total is
 * unknown (a streaming restore still listing), it shows the count and bytes done; the bar once the total is known.
 */
export function progressBar(
  label: string,
): ((done: number, total: number | undefined, bytes: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total, bytes) => {
    const width = 30;
    const mib = `${(bytes / 1048576).toFixed(1)} MiB`;
    if (total === undefined) {
      process.stderr.write(`\r${label} ${done} done, ${mib} (listing…)`);
      return;
    }
    const filled = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${mib}\x1b[K`,
    );
    if (done === total) process.stderr.write('\n');
  };
}
