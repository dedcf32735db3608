// The product's words, browser-safe: the database schema, the zod schemas and
// the UI all take their lists (and labels) from here, so a status cannot be
// spelled two ways.

export const USER_KINDS = ["teacher", "student"] as const;
export type UserKind = (typeof USER_KINDS)[number];

export const STAFF_ROLES = ["owner", "ta"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type CourseRole = StaffRole | "student";
export const isStaff = (role: CourseRole | null | undefined): role is StaffRole => role === "owner" || role === "ta";

export const STAFF_ROLE_LABEL: Record<StaffRole, string> = { owner: "Teacher", ta: "Teaching assistant" };

/** A staff row is a member, or an invitation waiting for that e-mail to register (SPEC §9). */
export const STAFF_STATUSES = ["active", "invited"] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];

export const ENROLLMENT_STATUSES = ["pending", "approved", "rejected", "dropped"] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

/** One wording everywhere: the teacher's roster, the student's dashboard, the enroll page. */
export const ENROLLMENT_STATUS_LABEL: Record<EnrollmentStatus, string> = {
  pending: "Waiting for approval",
  approved: "Enrolled",
  rejected: "Request declined",
  dropped: "Dropped",
};

export const ATTENDANCE_STATUSES = ["present", "late", "absent", "excused"] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const ATTENDANCE_METHODS = ["qr", "code", "manual", "auto"] as const;
export type AttendanceMethod = (typeof ATTENDANCE_METHODS)[number];

export const SESSION_STATUSES = ["active", "ended"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** What an audit event is about. */
export const AUDIT_ENTITIES = ["record", "session", "enrollment", "course", "account"] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/**
 * Every audited action, by the entity it changes. `from`/`to` hold the status
 * (or epoch, for codes) before and after.
 */
export const AUDIT_ACTIONS = {
  record: ["checkin", "checkin_flagged", "mark", "auto_absent"],
  session: ["start", "end", "regenerate_code"],
  enrollment: ["enroll", "status", "import", "invite", "withdraw_invitation", "claim_invitation", "student_number"],
  course: ["create", "settings", "enroll_code", "archive", "restore", "staff_add", "staff_invite", "staff_role", "staff_remove", "staff_claim"],
  // How a person signs in (SPEC §13): `to`/`from` name the provider, `note` the identity's e-mail.
  account: ["sso_signup", "identity_link", "identity_unlink", "password_set", "password_change", "sign_out_everywhere"],
} as const satisfies Record<AuditEntity, readonly string[]>;
export type AuditAction = { [E in AuditEntity]: (typeof AUDIT_ACTIONS)[E][number] }[AuditEntity];

/** The public shape of a person, the same on REST, sockets and pages. Never the password hash. */
export type PublicUser = { id: string; name: string; email: string; kind: UserKind };
