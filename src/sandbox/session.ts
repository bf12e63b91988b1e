import type { AwsClients } from '../aws/clients.js';
import { SandboxClients } from './readback.js';

/**
 * Clients against a sandbox endpoint. moto accepts any base key and maps the temporary keys of each
 * AssumeRole to the account in the role ARN, so one session reaches every account of the config.
 */
export const SANDBOX_ROLE = 'OrganizationAccountAccessRole';
export const SANDBOX_BASE_CREDENTIALS = { accessKeyId: 'AKIAAIRGAPSANDBOX000', secretAccessKey: 'sandbox' };

export function sandboxClients(endpoint: string, region: string): AwsClients {
  return new SandboxClients({
    endpoint,
    region,
    roleName: SANDBOX_ROLE,
    baseCredentials: SANDBOX_BASE_CREDENTIALS,
  });
}
