import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import {
  ATTENDANCE_METHODS,
  ATTENDANCE_STATUSES,
  AUDIT_ENTITIES,
  ENROLLMENT_STATUSES,
  SESSION_STATUSES,
  STAFF_ROLES,
  USER_KINDS,
  type AuditAction,
} from "../model/vocabulary";

/**
 * The same schema as `schema.ts`, for PostgreSQL (`DATABASE_URL`). Edit both
 * together and run `npm run db:generate`: `schema-parity.test.ts` compares them
 * table by table (columns, nullability, defaults, keys, indexes with their
 * predicates, foreign keys) and fails when they drift.
 *
 * Only the column types differ: millisecond timestamps are `bigint` (SQLite's
 * integer is 64-bit, PostgreSQL's `integer` is not), flags are `boolean`,
 * SQLite's `real` is `double precision`. The domain reads rows through the
 * SQLite definitions' types; the PostgreSQL adapter parses bigint and numeric
 * to numbers so both engines hand back the same shapes.
 */

const ms = (name: string) => bigint(name, { mode: "number" });

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    emailKey: text("email_key").notNull(),
    passwordHash: text("password_hash"),
    kind: text("kind", { enum: USER_KINDS }).notNull(),
    createdAt: ms("created_at").notNull(),
    sessionsValidAfter: ms("sessions_valid_after"),
  },
  (t) => [uniqueIndex("users_email_key_unique").on(t.emailKey)],
);

export const courses = pgTable(
  "courses",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    code: text("code"),
    term: text("term"),
    enrollCode: text("enroll_code").notNull(),
    autoApprove: boolean("auto_approve").notNull().default(true),
    lateAfterMinutes: integer("late_after_minutes").notNull().default(10),
    closeAfterMinutes: integer("close_after_minutes"),
    rotationSeconds: integer("rotation_seconds").notNull().default(10),
    codeRotationSeconds: integer("code_rotation_seconds").notNull().default(30),
    timeZone: text("time_zone").notNull().default("UTC"),
    lateCredit: doublePrecision("late_credit").notNull().default(1),
    warnBelowPercent: doublePrecision("warn_below_percent").notNull().default(80),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    createdAt: ms("created_at").notNull(),
    archivedAt: ms("archived_at"),
  },
  (t) => [uniqueIndex("courses_enroll_code_unique").on(t.enrollCode)],
);

export const courseStaff = pgTable(
  "course_staff",
  {
    id: text("id").primaryKey(),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    invitedEmail: text("invited_email"),
    invitedEmailKey: text("invited_email_key"),
    role: text("role", { enum: STAFF_ROLES }).notNull(),
    addedBy: text("added_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: ms("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("course_staff_member_unique").on(t.courseId, t.userId).where(sql`user_id IS NOT NULL`),
    uniqueIndex("course_staff_invitation_unique").on(t.courseId, t.invitedEmailKey).where(sql`user_id IS NULL`),
    index("course_staff_user_idx").on(t.userId),
    index("course_staff_invited_idx").on(t.invitedEmailKey),
  ],
);

export const enrollments = pgTable(
  "enrollments",
  {
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    studentId: text("student_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ENROLLMENT_STATUSES }).notNull(),
    studentNumber: text("student_number"),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.studentId] }), index("enrollments_student_idx").on(t.studentId)],
);

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    title: text("title"),
    status: text("status", { enum: SESSION_STATUSES }).notNull(),
    startedAt: ms("started_at").notNull(),
    endedAt: ms("ended_at"),
    lateAfterMinutes: integer("late_after_minutes").notNull(),
    closeAfterMinutes: integer("close_after_minutes"),
    rotationSeconds: integer("rotation_seconds").notNull(),
    codeRotationSeconds: integer("code_rotation_seconds").notNull(),
    secret: text("secret").notNull(),
    codeEpoch: integer("code_epoch").notNull().default(0),
    codeAnchorAt: ms("code_anchor_at").notNull(),
    startedBy: text("started_by").references(() => users.id),
    endedBy: text("ended_by").references(() => users.id),
  },
  (t) => [
    index("sessions_course_idx").on(t.courseId, t.startedAt),
    uniqueIndex("sessions_one_active_per_course").on(t.courseId).where(sql`status = 'active'`),
    index("sessions_active_idx").on(t.status),
  ],
);

export const attendanceRecords = pgTable(
  "attendance_records",
  {
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    studentId: text("student_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ATTENDANCE_STATUSES }).notNull(),
    method: text("method", { enum: ATTENDANCE_METHODS }).notNull(),
    checkedInAt: ms("checked_in_at"),
    lateMinutes: integer("late_minutes"),
    markedBy: text("marked_by").references(() => users.id),
    note: text("note"),
    deviceId: text("device_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    flagged: boolean("flagged").notNull().default(false),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.studentId] }),
    uniqueIndex("attendance_one_student_per_device").on(t.sessionId, t.deviceId).where(sql`device_id IS NOT NULL`),
    index("attendance_student_idx").on(t.studentId),
  ],
);

// Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE (drizzle-pg/0001_audit_append_only.sql).
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    at: ms("at").notNull(),
    actorId: text("actor_id"),
    entity: text("entity", { enum: AUDIT_ENTITIES }).notNull(),
    action: text("action").$type<AuditAction>().notNull(),
    sessionId: text("session_id"),
    courseId: text("course_id"),
    subjectId: text("subject_id"),
    fromValue: text("from_value"),
    toValue: text("to_value"),
    note: text("note"),
  },
  (t) => [index("audit_session_idx").on(t.sessionId, t.action), index("audit_course_idx").on(t.courseId)],
);

export const courseInvitations = pgTable(
  "course_invitations",
  {
    id: text("id").primaryKey(),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    emailKey: text("email_key").notNull(),
    name: text("name"),
    studentNumber: text("student_number"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: ms("created_at").notNull(),
  },
  (t) => [uniqueIndex("course_invitations_email_unique").on(t.courseId, t.emailKey), index("course_invitations_email_idx").on(t.emailKey)],
);

export const identities = pgTable(
  "identities",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    email: text("email"),
    createdAt: ms("created_at").notNull(),
  },
  (t) => [uniqueIndex("identities_issuer_subject_unique").on(t.issuer, t.subject), index("identities_user_idx").on(t.userId)],
);
