import { parseArgs } from 'node:util';
import { startS3Server } from '../helpers/s3-server.js';
import { defaultUsers, startWorkMailEmulator } from './index.js';

const USAGE = `npm run emulator:workmail -- [--port N] [--users N] [--job-ms MS] [--bucket NAME] [--fail EMAIL=ERRORINFO ...] [--s3-endpoint URL]
Starts the WorkMail export API emulator and, unless --s3-endpoint is given, a local S3 server (s3rver)
with the bucket created, into which finished jobs write their zips.`;

/** `npm run emulator:workmail`: the WorkMail export emulator for demos and manual runs. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      users: { type: 'string', default: '5' },
      'job-ms': { type: 'string', default: '5000' },
      bucket: { type: 'string', default: 'workmail-exports' },
      fail: { type: 'string', multiple: true, default: [] },
      's3-endpoint': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const s3Server = values['s3-endpoint'] ? null : await startS3Server([values.bucket]);
  const s3 = s3Server ? { endpoint: s3Server.endpoint, credentials: s3Server.credentials } : { endpoint: values['s3-endpoint']!, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
  const failures = Object.fromEntries(values.fail.map((spec) => [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)]));
  const users = defaultUsers(Number(values.users));
  const emulator = await startWorkMailEmulator({ s3, users, failures, jobDurationMs: Number(values['job-ms']) }, Number(values.port));
  console.log(`Amazon WorkMail export API emulator (TEST ONLY) listening on ${emulator.url}
  organization id: ${emulator.organizationId}
  users:           ${users.map((u) => u.email).join(', ')}
  S3 endpoint:     ${s3.endpoint} (bucket ${values.bucket}${s3Server ? ', s3rver started here' : ''}; s3rver checks signatures: read with the key pair S3RVER/S3RVER)

Try:
  AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER eml-import export --endpoint ${emulator.url} --region us-east-1 \\
    --organization-id ${emulator.organizationId} --bucket ${values.bucket} --prefix exports \\
    --kms-key arn:aws:kms:us-east-1:111122223333:key/test --role arn:aws:iam::111122223333:role/WorkMailExport \\
    --all --map-out map.csv
Press Ctrl+C to stop.`);
  const stop = (): void => {
    void Promise.all([emulator.close(), s3Server?.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
