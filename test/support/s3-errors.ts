import { S3ServiceException } from '@aws-sdk/client-s3';

/** An S3 error as the SDK throws it: a service exception, its fault and HTTP status set. */
export const s3Error = (name: string, message: string, status: number) =>
  new S3ServiceException({
    name,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

/** S3's 503 SlowDown (threat #15). */
export const slowDown = () => s3Error('SlowDown', 'Please reduce your request rate.', 503);
