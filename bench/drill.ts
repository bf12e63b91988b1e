// The quickstart drill's wall time and its split by step; the peer measured in the same run is a bare
// moto_server cold start (the floor every sandbox drill pays).
import { runDrill } from '../src/drill/run.js';
import { startMoto } from '../src/sandbox/moto.js';
import { quickstart } from '../test/support/config.js';
import { fmt, timeIt } from './support.js';

const drill = await timeIt(() => runDrill(quickstart()));
const moto = await timeIt(async () => (await startMoto()).stop());
console.log(`| step | seconds |\n|---|---|`);
for (const s of drill.value.evidence.steps) console.log(`| ${s.name} | ${fmt(s.seconds)} |`);
console.log(`| **total (wall)** | **${fmt(drill.seconds)}** |`);
console.log(
  `\nverdict: ${drill.value.evidence.verdict.passed ? 'PASSED' : 'FAILED'}; peer: moto_server cold start ${fmt(moto.seconds)} s (drill = ${fmt(drill.seconds / moto.seconds)}x)`,
);
