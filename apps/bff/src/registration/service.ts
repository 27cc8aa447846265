import type { ConnectionTestResult, RegisterResult, RegistrationState } from '@registration/protocol/bff-api';
import type { AppDeps } from '../app.ts';

/** The registration use cases behind the routes. */
export interface RegistrationService {
  state(): Promise<RegistrationState>;
  registerPrivateCloud(serverUrl: string, by: string): Promise<RegisterResult>;
  testConnection(serverUrl: string): Promise<ConnectionTestResult>;
  deregister(by: string): Promise<RegistrationState>;
}

export function createRegistrationService(deps: AppDeps): RegistrationService {
  const notYet = () => Promise.reject(new Error('not implemented yet'));
  void deps;
  return { state: notYet, registerPrivateCloud: notYet, testConnection: notYet, deregister: notYet };
}
