import { describe, expect, it } from 'vitest';
import { RESIDUAL_RISKS } from './prove.js';

describe('residual risks the proof lists (pure)', () => {
  it('threat #23: the air-gap account owner can cut the RAM share but only request the removal or replacement of the multi-party approval team, which its current members must approve, as AWS documents', () => {
    const lag = RESIDUAL_RISKS.find((r) =>
      r.risk.includes('logically air-gapped vault lives in a source account'),
    );
    expect(lag?.risk).toMatch(/can cut the restore account’s access through the share/);
    expect(lag?.risk).toMatch(
      /Disassociating or replacing the multi-party approval team, or revoking a restore access vault, it can only request: AWS Backup does it once the required number of the current team’s members approve \(https:\/\/docs\.aws\.amazon\.com\/aws-backup\/latest\/devguide\/multipartyapproval-tasks-requester\.html\)/,
    );
    expect(lag?.risk).not.toMatch(/can .*change .*multi-party approval association/);
  });
});
