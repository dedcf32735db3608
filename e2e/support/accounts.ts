import type { PublicUser } from "../../lib/model/vocabulary";

// The demo accounts come from the seed the e2e server runs (lib/seed/demo.ts), never re-declared.
export { DEMO_PASSWORD, DEMO_STUDENT_COUNT, DEMO_TEACHER_EMAIL, demoStudentEmail } from "../../lib/seed/demo";

/** The password of every account the e2e server creates for a test (one scrypt hash, made once). */
export const E2E_PASSWORD = "correct horse battery";

/** An account a test acts as: who it is, a session token minted for it, and its password for the real sign-in forms. */
export type E2EUser = PublicUser & { token: string; expiresAt: string; password: string };

/** `POST /__e2e/users`: a new account, optionally enrolled (approved) in a course. */
export type NewUserRequest = { name?: string; email?: string; kind?: PublicUser["kind"]; enrollIn?: string };
