import { z } from 'zod';

/** Roles the host platform gives its users; only `admin` may manage registration. */
export const roleSchema = z.enum(['admin', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

/** Issuer and audience of the access tokens the host platform signs for the BFF. */
export const ACCESS_TOKEN_ISSUER = 'decision-platform';
export const ACCESS_TOKEN_AUDIENCE = 'registration-bff';

/** Claims of an access token (EdDSA JWT signed by the host platform). */
export const accessTokenClaimsSchema = z.object({
  sub: z.string().min(1),
  role: roleSchema,
  name: z.string().optional(),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

export const loginRequestSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const loginResponseSchema = z.object({
  token: z.string(),
  user: z.object({ name: z.string(), role: roleSchema }),
  expiresAt: z.string(),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;
