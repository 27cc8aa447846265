import { Hono } from 'hono';
import { privateCloudRequestSchema, trustRequestSchema } from '@registration/protocol/bff-api';
import type { BffEnv } from '../env.ts';
import { CatalogueError, reason } from '../errors.ts';
import { certificateParams } from '../license-client/certificate.ts';
import { toWire } from '../license-client/trust.ts';
import type { LicenseClient } from '../license-client/types.ts';
import { validJson } from '../middleware/validate.ts';
import { actorOf, type History } from '../registration/history.ts';
import type { TrustedCertificateStore } from '../store/types.ts';

export interface TrustRouteDeps {
  licenseClient: LicenseClient;
  store: TrustedCertificateStore;
  clock: () => Date;
  history: History;
}

/** A catalogue error whose details carry the reason itself, so the UI shows its specifics too. */
function refuse(...[name, params]: Parameters<typeof reason>): CatalogueError {
  return new CatalogueError(name, params, { reasons: [reason(name, params)] });
}

/**
 * `/api/registration/private-cloud/trust`: administrator-confirmed license-server certificates.
 * A confirmation is stored only for the certificate the server presents at that moment, so a client
 * cannot pin a certificate the BFF never saw; it is cluster-wide (the store is shared).
 */
export function trustRoutes(deps: TrustRouteDeps) {
  return new Hono<BffEnv>()
    .get('/', async (c) => c.json({ certificates: (await deps.store.listTrustedCertificates()).map(toWire) }, 200))
    .post('/', validJson(trustRequestSchema), async (c) => {
      const { serverUrl, fingerprint } = c.req.valid('json');
      const origin = new URL(serverUrl).origin;
      const user = c.get('user');
      const record = await deps.history.audit({ kind: 'certificate-confirmed', actor: actorOf(user), params: { serverUrl: origin, fingerprint } }, async () => {
        const seen = await deps.licenseClient.inspectCertificate(serverUrl);
        if (!seen.ok) throw refuse(seen.reason.name, seen.reason.params);
        const { certificate } = seen.verdict;
        if (certificate.fingerprint !== fingerprint) {
          throw refuse('TLS_FINGERPRINT_MISMATCH', { serverUrl: origin, expected: fingerprint, presented: certificate.fingerprint });
        }
        // Trusting an expired certificate would only move the refusal to the next connection.
        if (!certificate.validNow) throw refuse('TLS_CERT_EXPIRED', certificateParams(certificate));
        const confirmed = { origin, fingerprint, subject: certificate.subject, confirmedBy: user.sub, confirmedAt: deps.clock() };
        await deps.store.trustCertificate(confirmed);
        c.get('logger').info({ origin, fingerprint, by: user.sub, previous: seen.verdict.confirmed?.fingerprint ?? null }, 'license server certificate confirmed');
        return confirmed;
      });
      return c.json(toWire(record), 201);
    })
    .delete('/', validJson(privateCloudRequestSchema), async (c) => {
      const origin = new URL(c.req.valid('json').serverUrl).origin;
      const removed = await deps.history.audit(
        { kind: 'certificate-forgotten', actor: actorOf(c.get('user')), params: { serverUrl: origin } },
        () => deps.store.forgetCertificate(origin),
      );
      c.get('logger').info({ origin, removed, by: c.get('user').sub }, 'license server certificate confirmation removed');
      return c.json({ origin, removed }, 200);
    });
}
