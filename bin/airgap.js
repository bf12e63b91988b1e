#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm ci` compiles it through the `prepare` script.
import { run } from '../dist/cli/main.js';

process.exitCode = await run(process.argv);
