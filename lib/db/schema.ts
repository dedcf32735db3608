import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
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

// Times are integer milliseconds since the epoch (server clock).

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    // Lower-cased copy: e-mail is unique case-insensitively (SPEC §2).
    emailKey: text("email_key").notNull(),
    // null: the account signs in only through single sign-on (SPEC §13).
    passwordHash: text("password_hash"),
    kind: text("kind", { enum: USER_KINDS }).notNull(),
    createdAt: integer("created_at").notNull(),
    // "Sign out everywhere": tokens issued before this moment are refused.
    sessionsValidAfter: integer("sessions_valid_after"),
  },
  (t) => [uniqueIndex("users_email_key_unique").on(t.emailKey)],
);

export const courses = sqliteTable(
  "courses",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    code: text("code"),
    term: text("term"),
    enrollCode: text("enroll_code").notNull(),
    autoApprove: integer("auto_approve", { mode: "boolean" }).notNull().default(true),
    lateAfterMinutes: integer("late_after_minutes").notNull().default(10),
    closeAfterMinutes: integer("close_after_minutes"),
    rotationSeconds: integer("rotation_seconds").notNull().default(10),
    codeRotationSeconds: integer("code_rotation_seconds").notNull().default(30),
    // IANA zone for text the server writes (CSV headers, file names) and for date filters (SPEC §9, §10).
    timeZone: text("time_zone").notNull().default("UTC"),
    // How much a late counts in the rate, 0..1.
    lateCredit: real("late_credit").notNull().default(1),
    // At-risk threshold in percent; 0 turns warnings off.
    warnBelowPercent: real("warn_below_percent").notNull().default(80),
    // The creator; owners are in course_staff.
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at").notNull(),
    // Archived: off dashboards, no new sessions or enrollments, records kept.
    archivedAt: integer("archived_at"),
  },
  (t) => [uniqueIndex("courses_enroll_code_unique").on(t.enrollCode)],
);

/**
 * Owners and TAs of a course (SPEC §9). A row with a user is an active member;
 * a row with only an invited e-mail is an invitation that becomes active when
 * that address registers as a teacher.
 */
export const courseStaff = sqliteTable(
  "course_staff",
  {
    id: text("id").primaryKey(),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    invitedEmail: text("invited_email"),
    // Lower-cased invitedEmail, for matching a registration.
    invitedEmailKey: text("invited_email_key"),
    role: text("role", { enum: STAFF_ROLES }).notNull(),
    addedBy: text("added_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("course_staff_member_unique").on(t.courseId, t.userId).where(sql`user_id IS NOT NULL`),
    uniqueIndex("course_staff_invitation_unique").on(t.courseId, t.invitedEmailKey).where(sql`user_id IS NULL`),
    index("course_staff_user_idx").on(t.userId),
    index("course_staff_invited_idx").on(t.invitedEmailKey),
  ],
);

export const enrollments = sqliteTable(
  "enrollments",
  {
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    studentId: text("student_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ENROLLMENT_STATUSES }).notNull(),
    // The school's id for the student, for exports and LMS matching.
    studentNumber: text("student_number"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.courseId, t.studentId] }),
    index("enrollments_student_idx").on(t.studentId),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    courseId: text("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    // null: untitled; pages show the start time in the viewer's own time zone.
    title: text("title"),
    status: text("status", { enum: SESSION_STATUSES }).notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    lateAfterMinutes: integer("late_after_minutes").notNull(),
    closeAfterMinutes: integer("close_after_minutes"),
    rotationSeconds: integer("rotation_seconds").notNull(),
    codeRotationSeconds: integer("code_rotation_seconds").notNull(),
    // Per-session HMAC key for QR tokens and 6-digit codes; never leaves the server.
    secret: text("secret").notNull(),
    // Regeneration bumps the epoch and re-anchors the windows, which kills
    // every earlier token and code at once.
    codeEpoch: integer("code_epoch").notNull().default(0),
    codeAnchorAt: integer("code_anchor_at").notNull(),
    startedBy: text("started_by").references(() => users.id),
    endedBy: text("ended_by").references(() => users.id),
  },
  (t) => [
    index("sessions_course_idx").on(t.courseId, t.startedAt),
    // At most one active session per course, enforced by the database.
    uniqueIndex("sessions_one_active_per_course").on(t.courseId).where(sql`status = 'active'`),
    index("sessions_active_idx").on(t.status),
  ],
);

export const attendanceRecords = sqliteTable(
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
    checkedInAt: integer("checked_in_at"),
    lateMinutes: integer("late_minutes"),
    markedBy: text("marked_by").references(() => users.id),
    note: text("note"),
    deviceId: text("device_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    flagged: integer("flagged", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.studentId] }),
    // One device, one student per session (SPEC §3), enforced by the database so it holds across processes.
    uniqueIndex("attendance_one_student_per_device").on(t.sessionId, t.deviceId).where(sql`device_id IS NOT NULL`),
    index("attendance_student_idx").on(t.studentId),
  ],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
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

/**
 * Students invited by a roster import (SPEC §9) before they have an account:
 * enrolled, approved, when that address registers.
 */
export const courseInvitations = sqliteTable(
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
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("course_invitations_email_unique").on(t.courseId, t.emailKey), index("course_invitations_email_idx").on(t.emailKey)],
);

/** A sign-in identity from an identity provider (SPEC §13): (issuer, subject) names a person, never the e-mail alone. */
export const identities = sqliteTable(
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
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("identities_issuer_subject_unique").on(t.issuer, t.subject), index("identities_user_idx").on(t.userId)],
);

export type User = typeof users.$inferSelect;
export type Course = typeof courses.$inferSelect;
export type Enrollment = typeof enrollments.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type AttendanceRecord = typeof attendanceRecords.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type CourseStaffRow = typeof courseStaff.$inferSelect;
export type CourseInvitation = typeof courseInvitations.$inferSelect;
export type Identity = typeof identities.$inferSelect;
