#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm ci` compiles it through the `prepare` script.
// The SDK's notice that its releases after January 2027 need Node 22 speaks of SDK upgrades, which come only with
// an airgap release (the clients are pinned): it is off unless asked for (set the variable to `false`).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const { run } = await import('../dist/cli/main.js');

process.exitCode = await run(process.argv);
