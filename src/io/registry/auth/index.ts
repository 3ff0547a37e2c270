// Public surface of registry auth: credential lookup (docker config.json, podman auth.json, credential
// helpers) and login/logout.
export * from './auth-file.ts';
export * from './auth-paths.ts';
export * from './cred-helper.ts';
export * from './credentials.ts';
export * from './keychain.ts';
export * from './login.ts';
