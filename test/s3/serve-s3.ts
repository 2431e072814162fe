/**
 * The life of an S3TestServer in a test file of the source stage: started once for the file with the
 * test credentials in the environment, the source pointed at it, and faults, counts and remembered HEADs
 * cleared before each test; stopped, and the environment put back, after the file.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { forgetS3Heads } from '../../src/source/s3/s3-object.js';
import { configureS3 } from '../../src/source/s3/s3-settings.js';
import { setEnvironment } from '../helpers/environment.js';
import { S3_TEST_CREDENTIALS, S3TestServer } from './s3-server.js';

/** Registers the hooks; `fill` puts the file's buckets and objects in. Returns the server once started. */
export function serveS3(fill: (server: S3TestServer) => Promise<void>): () => S3TestServer {
  let server: S3TestServer | undefined;
  let restore = (): void => undefined;
  beforeAll(async () => {
    restore = setEnvironment(S3_TEST_CREDENTIALS);
    server = await S3TestServer.start();
    await fill(server);
  });
  afterAll(async () => {
    configureS3({});
    await server?.stop();
    restore();
  });
  beforeEach(() => {
    configureS3({ endpoint: running().endpoint, region: 'us-east-1' });
    forgetS3Heads();
    running().faults = [];
    running().resetCounts();
  });
  const running = (): S3TestServer => {
    if (server === undefined) throw new Error('the S3 test server has not started');
    return server;
  };
  return running;
}
