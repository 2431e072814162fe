/**
 * The AWS SDK for JavaScript warns on every run under Node 20 that its releases after the first week of
 * January 2027 need Node 22 (aws/aws-sdk-js-v3 issue 7983). That is a note for whoever upgrades the lock
 * file, which the lock file pins, and a user reading exports can do nothing about it. The SDK's own switch
 * turns off that one warning and no other (emitWarningIfUnsupportedVersion checks it for `'true'`); a
 * value the user set is left as it is. Call before the first SDK client is made: it warns from there.
 */
export function quietSdkNodeVersionWarning(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}
