import { z } from 'zod';
import {
  connectionTestResultSchema,
  containerChallengeSchema,
  containerLicAcceptedSchema,
  containerVerifiedSchema,
  containerVerifyRequestSchema,
  historyPageSchema,
  historyQuerySchema,
  privateCloudRequestSchema,
  registerResultSchema,
  registrationStateSchema,
  trustedCertificateListSchema,
  trustedCertificateSchema,
  trustRemovedSchema,
  trustRequestSchema,
} from '@registration/protocol/bff-api';
import { CONTAINER_LIC_MAX_BYTES } from '@registration/protocol/container-license';
import { apiErrorSchema } from '@registration/protocol/reason';

/** Where the document is served (admin only, like every route under /api). */
export const OPENAPI_PATH = '/api/openapi.json';

type Method = 'get' | 'post' | 'delete';

/** A documented operation: its body and answers name schemas registered in {@link named}. */
interface Operation {
  method: Method;
  path: string;
  summary: string;
  /** JSON body schema id, or `multipart` for the Container.lic upload. */
  body?: SchemaId | 'multipart';
  /** Query parameters: a schema id whose properties are the (optional) parameters. */
  query?: SchemaId;
  /** Also answers text/csv (with `format=csv`). */
  csv?: boolean;
  /** Success status → schema id (`document`: this OpenAPI document itself). */
  ok: Partial<Record<200 | 201, SchemaId | 'document'>>;
  /** Error statuses this route answers besides the ones every /api route can (401, 403, 500). */
  errors?: number[];
}

/** Every wire schema the routes use, by the name it has under components/schemas. */
const named = {
  RegistrationState: registrationStateSchema,
  PrivateCloudRequest: privateCloudRequestSchema,
  RegisterResult: registerResultSchema,
  ConnectionTestResult: connectionTestResultSchema,
  TrustRequest: trustRequestSchema,
  TrustedCertificate: trustedCertificateSchema,
  TrustedCertificateList: trustedCertificateListSchema,
  TrustRemoved: trustRemovedSchema,
  ContainerLicAccepted: containerLicAcceptedSchema,
  ContainerChallenge: containerChallengeSchema,
  ContainerVerifyRequest: containerVerifyRequestSchema,
  ContainerVerified: containerVerifiedSchema,
  HistoryQuery: historyQuerySchema,
  HistoryPage: historyPageSchema,
  ApiError: apiErrorSchema,
} as const;
type SchemaId = keyof typeof named;

/** The BFF's API (DESIGN §7). openapi.test.ts checks that this list and the app's routes are the same. */
export const OPERATIONS: Operation[] = [
  { method: 'get', path: '/api/registration', summary: 'This node and every node of the cluster: status, reasons, grant, stored Container.lic', ok: { 200: 'RegistrationState' } },
  {
    method: 'delete',
    path: '/api/registration',
    summary: 'Re-register: release this configuration (Private Cloud: deregister from the license server)',
    ok: { 200: 'RegistrationState' },
    errors: [409],
  },
  {
    method: 'post',
    path: '/api/registration/private-cloud',
    summary: 'Register every node with a license server; refusals are ok:false with every node’s reasons',
    body: 'PrivateCloudRequest',
    ok: { 200: 'RegisterResult' },
    errors: [400, 413],
  },
  {
    method: 'post',
    path: '/api/registration/private-cloud/test',
    summary: 'Test Connection: reachability, latency, certificate and trust, without registering',
    body: 'PrivateCloudRequest',
    ok: { 200: 'ConnectionTestResult' },
    errors: [400, 413],
  },
  { method: 'get', path: '/api/registration/private-cloud/trust', summary: 'Administrator-confirmed license-server certificates', ok: { 200: 'TrustedCertificateList' } },
  {
    method: 'post',
    path: '/api/registration/private-cloud/trust',
    summary: 'Confirm the certificate a license server presents now (its SHA-256 fingerprint must match)',
    body: 'TrustRequest',
    ok: { 201: 'TrustedCertificate' },
    errors: [400, 409, 413, 502],
  },
  {
    method: 'delete',
    path: '/api/registration/private-cloud/trust',
    summary: 'Forget a confirmed certificate',
    body: 'PrivateCloudRequest',
    ok: { 200: 'TrustRemoved' },
    errors: [400],
  },
  {
    method: 'post',
    path: '/api/registration/local-container/lic',
    summary: `Upload Container.lic (multipart field "file", at most ${CONTAINER_LIC_MAX_BYTES} bytes); 422 lists every refusal reason, nothing is stored`,
    body: 'multipart',
    ok: { 201: 'ContainerLicAccepted' },
    errors: [400, 413, 422],
  },
  {
    method: 'post',
    path: '/api/registration/local-container/challenge',
    summary: 'A new QR challenge (SVG and URL of the vendor phone page) for the stored Container.lic; 5 minutes',
    ok: { 201: 'ContainerChallenge' },
    errors: [409],
  },
  {
    method: 'post',
    path: '/api/registration/local-container/verify',
    summary: 'Check the 6-digit code; wrong codes count towards the lock shared by every node',
    body: 'ContainerVerifyRequest',
    ok: { 200: 'ContainerVerified' },
    errors: [400, 409, 413, 422, 423],
  },
  {
    method: 'get',
    path: '/api/registration/events',
    summary: 'Registration history, newest first: administrators\' actions and what nodes did by themselves; `nextCursor` pages back; `format=csv` exports up to 10,000',
    query: 'HistoryQuery',
    csv: true,
    ok: { 200: 'HistoryPage' },
    errors: [400],
  },
  { method: 'get', path: OPENAPI_PATH, summary: 'This document', ok: { 200: 'document' } },
];

const ref = (id: SchemaId) => ({ $ref: `#/components/schemas/${id}` });

/** Every wire schema as JSON Schema (2020-12, as OpenAPI 3.1 uses), referring to each other by name. */
function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    // Transforms and the like have no JSON Schema; their input/output types are documented by name.
    unrepresentable: 'any',
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _uri, id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}

const STATUS_TEXT: Record<number, string> = {
  400: 'PARAM_INPUT_ERROR / JSON_PARSER_ERROR: every invalid field',
  401: 'UNAUTHORIZED: no valid platform token',
  403: 'FORBIDDEN (not an administrator, or a cross-site form request), or a license check that refused (e.g. LICENSE_EXPIRED)',
  409: 'A state conflict from the catalogue (e.g. CONTAINER_LIC_MISSING, DO_NOT_NEED_DEACTIVATE, TLS_FINGERPRINT_MISMATCH)',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'Refused for its content: a Container.lic (details.reasons lists every reason), a wrong code, an expired QR code',
  423: 'VERIFY_LOCKED (until when) / VERIFY_DISABLED',
  500: 'INTERNAL_ERROR: only the request id, the cause is in the node log',
  502: 'The license server could not be reached or presented another certificate',
};

/** The API's version: raised when a route or a wire schema changes incompatibly. */
export const API_VERSION = '1.0';

/** The properties of a query schema as OpenAPI parameters (every one optional unless the schema requires it). */
function queryParameters(id: SchemaId): unknown[] {
  const schema = z.toJSONSchema(named[id], { unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property }));
}

let built: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document of the BFF's API, built once from the protocol's zod schemas (nothing written twice). */
export function openApiDocument(): Record<string, unknown> {
  built ??= buildDocument();
  return built;
}

function buildDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const responses: Record<string, unknown> = {};
    for (const [status, id] of Object.entries(op.ok)) {
      responses[status] =
        id === 'document'
          ? { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } }
          : {
              description: 'Success',
              content: { 'application/json': { schema: ref(id) }, ...(op.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}) },
            };
    }
    for (const status of [...(op.errors ?? []), 401, 403, 500].sort((a, b) => a - b)) {
      responses[String(status)] = { description: STATUS_TEXT[status] ?? 'Error', content: { 'application/json': { schema: ref('ApiError') } } };
    }
    const requestBody =
      op.body === undefined
        ? undefined
        : op.body === 'multipart'
          ? {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: ['file'],
                    properties: { file: { type: 'string', contentMediaType: 'application/octet-stream', maxLength: CONTAINER_LIC_MAX_BYTES } },
                  },
                },
              },
            }
          : { required: true, content: { 'application/json': { schema: ref(op.body) } } };
    const parameters = op.query === undefined ? undefined : queryParameters(op.query);
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(parameters ? { parameters } : {}),
      operationId: `${op.method}${op.path.replace(/^\/api/, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Registration BFF',
      version: API_VERSION,
      description:
        'Admin-only API of the registration module in every report-server node. Errors are { code, name, message, details? } from the catalogue; the UI shows the catalogue text for `name`, never `message`.',
    },
    security: [{ platformToken: [] }],
    paths,
    components: {
      securitySchemes: {
        platformToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA), signed by the host platform; role admin' },
      },
      schemas: componentSchemas(),
    },
  };
}
