/**
 * Prints a report as `JSON.stringify(report, null, 2)` would, its `items` list first and each item written as
 * it arrives, so a report of millions of items is never held in memory. Nothing is printed before the first
 * item, so a command refused before any work prints only its error.
 */
export function streamedJsonReport<T>(write: (text: string) => void = (t) => process.stdout.write(t)): {
  item: (item: T) => void;
  end: (report: object) => void;
} {
  let opened = false;
  return {
    item(item) {
      const text = JSON.stringify(item, null, 2).replace(/^/gm, '    ');
      write(`${opened ? ',' : '{\n  "items": ['}\n${text}`);
      opened = true;
    },
    end(report) {
      write(`${opened ? '\n  ],' : '{\n  "items": [],'}${JSON.stringify(report, null, 2).slice(1)}\n`);
    },
  };
}
