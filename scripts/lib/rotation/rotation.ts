/**
 * The OAuth secret rotation protocol (docs/rotation.md), in parts:
 *  - ./service-rotation  the protocol of one service, as named steps (lock → inspect → reset → store → test →
 *                        promote → verify → unlock);
 *  - ./lock              one rotator at a time per secret, arbitrated by Secrets Manager (ROTATION_LOCK label);
 *  - ./genesys-ops       credential tests and the secret reset, in the protocol's terms;
 *  - ./recovery          recovery steps from the state found after a failure;
 *  - ./checks            read-only decisions (value checks, minimum age) and the dry run;
 *  - ./journal           audit, log and result of a service;
 *  - ./rotator-auth      the rotator's own login;
 *  - ./types             the shared shapes.
 */
export * from "./types";
export { rotateService, newVersionId, runPrefix } from "./service-rotation";
export { currentSinceOf } from "./checks";
export { testCredential, resetSecret, RESET_SETTLE_MS } from "./genesys-ops";
export { RotationLock, LockHeldError, LockLostError, ROTATION_LOCK, LOCK_CLAIM, DEFAULT_LEASE_MS, parseLease } from "./lock";
export type { LockLease } from "./lock";
export { authenticateRotator, RotatorAuthError } from "./rotator-auth";
export type { RotatorCredentialSource } from "./rotator-auth";
