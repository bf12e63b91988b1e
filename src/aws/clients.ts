import { AsyncLocalStorage } from 'node:async_hooks';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { InputError } from '../errors.js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * The one place that builds AWS clients. Every module asks it for a client of one account and region,
 * so the same code runs on AWS and on the sandbox: only `endpoint` differs.
 *
 * - Accounts are reached through STS AssumeRole of `roleName` in the target account (on the sandbox,
 *   moto maps the temporary keys to the account in the role ARN).
 * - The endpoint override comes from the caller or from AWS_ENDPOINT_URL, which the AWS CLI honours too.
 * - Adaptive retries back off on throttling (S3 503 SlowDown, RequestLimitExceeded, ThrottlingException).
 */
export interface AwsOptions {
  /** Default region for clients when the caller names none. */
  region: string;
  /** Endpoint override (the sandbox); undefined means AWS. */
  endpoint?: string | undefined;
  /** Role assumed in each account. */
  roleName: string;
  /**
   * The account the base credentials already belong to as `roleName` (a Lambda function's own account, its
   * execution role being that role): reached directly, since a role cannot assume itself unless it trusts itself.
   */
  homeAccount?: string;
  /** Credentials that assume the per-account roles; default: the SDK's default chain. */
  baseCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Retry attempts per call, including the first. */
  maxAttempts?: number;
  /**
   * The caller's MFA device and its current code, sent with every AssumeRole (the roles people assume trust only
   * MFA sessions); default: AIRGAP_MFA_SERIAL and AIRGAP_MFA_TOKEN.
   * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (SerialNumber, TokenCode)
   */
  mfa?: Mfa | undefined;
}

export interface Mfa {
  /** The MFA device's serial number (hardware) or ARN (virtual, `arn:aws:iam::<account>:mfa/<name>`). */
  serialNumber: string;
  /** The six-digit code the device shows now. */
  tokenCode: string;
}

/** The MFA of AIRGAP_MFA_SERIAL and AIRGAP_MFA_TOKEN: both or neither, the code six digits. */
export function mfaFromEnv(env: NodeJS.ProcessEnv = process.env): Mfa | undefined {
  const serialNumber = env['AIRGAP_MFA_SERIAL'];
  const tokenCode = env['AIRGAP_MFA_TOKEN'];
  if (!serialNumber && !tokenCode) return undefined;
  if (!serialNumber || !tokenCode)
    throw new InputError([
      `AIRGAP_MFA_${serialNumber ? 'TOKEN' : 'SERIAL'}: not set, while AIRGAP_MFA_${serialNumber ? 'SERIAL' : 'TOKEN'} is; allowed: both (the MFA device's serial or ARN, and its current six-digit code) or neither`,
    ]);
  if (!/^\d{6}$/.test(tokenCode))
    throw new InputError([
      `AIRGAP_MFA_TOKEN: "${tokenCode}" is not a code; allowed: the six digits the MFA device shows`,
    ]);
  return { serialNumber, tokenCode };
}

interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts: number;
  retryMode: 'adaptive';
  forcePathStyle?: boolean;
  requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  responseChecksumValidation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
}

type ClientClass<C> = new (config: ClientConfig) => C;

/** One SDK command as it leaves a client of the factory: who signs it (account and role), where, and what. */
export interface SentCommand {
  /** The account whose role signs it; undefined for the base credentials (`base()`). */
  account: string | undefined;
  /** The role assumed in that account (the base credentials' own for the home account). */
  role: string | undefined;
  region: string;
  /** The SDK client's name, e.g. `S3Client`. */
  client: string;
  /** The command without its `Command` suffix, e.g. `ListObjectVersions`. */
  command: string;
  input: Record<string, unknown>;
}

const observers = new Set<(sent: SentCommand) => void>();
const emulating = new AsyncLocalStorage<true>();

/**
 * Calls `listener` with every command any client of any factory sends from now on, until the returned function is
 * called: what a run of a command needs of each account's role (`test/operator-grants.test.ts` holds each call to
 * the role's policy). Commands are seen as they are handed to `send`, so a client mock that stubs the client class's
 * `send` (aws-sdk-client-mock's `mockClient(Class)`) is observed too.
 */
export function observeCommands(listener: (sent: SentCommand) => void): () => void {
  observers.add(listener);
  return () => observers.delete(listener);
}

/**
 * Runs a sandbox EMULATION (a behaviour moto lacks, done with other calls): observers see `standsFor`, the call AWS
 * would receive in its place, and none of the emulation's own calls, which AWS would never receive. A call whose
 * input depends on the work's outcome (a job sized by what was done) is given as a function of its result, and
 * seen after it (none when it returns undefined).
 */
export async function emulation<T>(
  standsFor: SentCommand | ((result: T) => SentCommand | undefined) | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const outermost = !emulating.getStore();
  if (outermost && standsFor && typeof standsFor !== 'function') notify(standsFor);
  const result = await emulating.run(true, work);
  const after = outermost && typeof standsFor === 'function' ? standsFor(result) : undefined;
  if (after) notify(after);
  return result;
}

function notify(sent: SentCommand): void {
  for (const listener of observers) listener(sent);
}

/** An SDK command as `send` receives it: its input, and its operation schema `[kind, namespace, name, …]`. */
interface SdkCommand {
  input: Record<string, unknown>;
  schema?: unknown;
}
interface Sends {
  send(command: SdkCommand, ...rest: unknown[]): Promise<unknown>;
}

/**
 * The client with its own `send` that tells observers, then calls the class's `send` as it is at that moment (the
 * SDK's, or a client mock's stub of it).
 */
function observed<C>(
  client: C,
  clientName: string,
  who: Pick<SentCommand, 'account' | 'role' | 'region'>,
): C {
  const proto = Object.getPrototypeOf(client) as Sends;
  (client as Sends).send = function (command, ...rest) {
    if (observers.size > 0 && !emulating.getStore())
      notify({ ...who, client: clientName, command: operationName(command), input: command.input });
    return proto.send.call(this, command, ...rest);
  };
  return client;
}

/** The operation's name from its schema (kept in minified bundles, unlike the class name). */
function operationName(command: SdkCommand): string {
  const schema = command.schema;
  return Array.isArray(schema) && typeof schema[2] === 'string'
    ? schema[2]
    : command.constructor.name.replace(/Command$/, '');
}

export class AwsClients {
  private readonly cache = new Map<string, unknown>();
  private readonly credentials = new Map<string, AwsCredentialIdentityProvider>();
  readonly endpoint: string | undefined;
  private readonly mfa: Mfa | undefined;

  constructor(readonly options: AwsOptions) {
    this.endpoint = options.endpoint ?? process.env['AWS_ENDPOINT_URL'];
    this.mfa = 'mfa' in options ? options.mfa : mfaFromEnv();
  }

  get isSandbox(): boolean {
    return this.endpoint !== undefined;
  }

  /** A client of `account` (assumed role), cached per class, account and region. */
  for<C>(Client: ClientClass<C>, account: string, region = this.options.region): C {
    const key = `${Client.name}/${account}/${region}`;
    let client = this.cache.get(key) as C | undefined;
    if (!client) {
      const home = account === this.options.homeAccount;
      client = observed(
        new Client(
          this.config(region, home ? this.options.baseCredentials : this.accountCredentials(account)),
        ),
        Client.name,
        { account, role: this.options.roleName, region },
      );
      this.cache.set(key, client);
    }
    return client;
  }

  /** A client with the base credentials, for calls that precede any assumed role (STS, the sandbox bootstrap). */
  base<C>(Client: ClientClass<C>, region = this.options.region): C {
    const key = `${Client.name}/base/${region}`;
    let client = this.cache.get(key) as C | undefined;
    if (!client) {
      client = observed(new Client(this.config(region, this.options.baseCredentials)), Client.name, {
        account: undefined,
        role: undefined,
        region,
      });
      this.cache.set(key, client);
    }
    return client;
  }

  /**
   * The same base credentials and endpoint assuming `roleName` in each account instead: a step that only another role
   * may take (the restore role, grantee of the vault key, copies into the restore account) runs through these.
   */
  as(roleName: string): AwsClients {
    const { homeAccount: _home, ...options } = this.options;
    return new AwsClients({ ...options, roleName, endpoint: this.endpoint, mfa: this.mfa });
  }

  roleArn(account: string): string {
    return `arn:aws:iam::${account}:role/${this.options.roleName}`;
  }

  private accountCredentials(account: string): AwsCredentialIdentityProvider {
    let provider = this.credentials.get(account);
    if (!provider) {
      provider = fromTemporaryCredentials({
        params: {
          RoleArn: this.roleArn(account),
          RoleSessionName: 'airgap',
          DurationSeconds: 3600,
          ...(this.mfa ? { SerialNumber: this.mfa.serialNumber } : {}),
        },
        ...(this.mfa ? { mfaCodeProvider: () => Promise.resolve(this.mfa!.tokenCode) } : {}),
        ...(this.options.baseCredentials ? { masterCredentials: this.options.baseCredentials } : {}),
        clientConfig: { region: this.options.region, ...(this.endpoint ? { endpoint: this.endpoint } : {}) },
      });
      this.credentials.set(account, provider);
    }
    return provider;
  }

  private config(
    region: string,
    credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  ): ClientConfig {
    return {
      region,
      maxAttempts: this.options.maxAttempts ?? 8,
      retryMode: 'adaptive',
      ...(credentials ? { credentials } : {}),
      ...(this.endpoint
        ? {
            endpoint: this.endpoint,
            // moto serves S3 path-style only on loopback endpoints, and never verifies checksums it stored.
            forcePathStyle: true,
            responseChecksumValidation: 'WHEN_REQUIRED',
          }
        : {}),
    };
  }
}
