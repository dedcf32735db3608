import type { ReactNode } from "react";
import type { CourseDto } from "@/lib/courses/courses";
import { can, type CourseAction } from "@/lib/courses/permissions";
import type { PublicUser, StaffRole } from "@/lib/model/vocabulary";
import { OverviewTab } from "./tabs/overview";
import { ReportTab } from "./tabs/report";
import { SessionsTab } from "./tabs/sessions";
import { SettingsTab } from "./tabs/settings";
import { StaffTab } from "./tabs/staff";
import { StudentsTab } from "./tabs/students";

export type SearchParams = Record<string, string | string[] | undefined>;

/** What every tab gets: it loads the rest itself, through the domain. */
export type CourseTabProps = {
  user: PublicUser;
  courseId: string;
  /** The staff view of the course (enroll code, defaults, term settings). */
  course: Extract<CourseDto, { enrollCode: string }>;
  role: StaffRole;
  /** The page's query, for tabs with their own filters (`?tab=students&q=…`). */
  searchParams: SearchParams;
};

export type CourseTab = {
  /** The `?tab=` value; the first tab is the default and has no parameter. */
  id: string;
  label: string;
  /** Shown only to roles that may take this action (lib/courses/permissions.ts). */
  requires: CourseAction;
  render: (props: CourseTabProps) => ReactNode;
};

/**
 * The staff course page's tabs, in order. A new tab is one entry here and one
 * component in ./tabs/. The first is the default (no `?tab=`).
 */
export const COURSE_TABS: CourseTab[] = [
  { id: "overview", label: "Overview", requires: "course.view", render: (p) => <OverviewTab {...p} /> },
  { id: "sessions", label: "Sessions", requires: "history.view", render: (p) => <SessionsTab {...p} /> },
  { id: "report", label: "Report", requires: "history.view", render: (p) => <ReportTab {...p} /> },
  { id: "students", label: "Students", requires: "roster.manage", render: (p) => <StudentsTab {...p} /> },
  { id: "staff", label: "Staff", requires: "staff.view", render: (p) => <StaffTab {...p} /> },
  { id: "settings", label: "Settings", requires: "settings.edit", render: (p) => <SettingsTab {...p} /> },
];

export function visibleTabs(role: StaffRole): CourseTab[] {
  return COURSE_TABS.filter((t) => can(role, t.requires));
}

/** The tab a `?tab=` asks for, or the default when it is unknown or not the viewer's to see. */
export function selectTab(role: StaffRole, requested: string | string[] | undefined): CourseTab {
  const tabs = visibleTabs(role);
  return tabs.find((t) => t.id === requested) ?? tabs[0];
}

export function tabHref(courseId: string, tabId: string): string {
  const base = `/courses/${encodeURIComponent(courseId)}`;
  return tabId === COURSE_TABS[0].id ? base : `${base}?tab=${encodeURIComponent(tabId)}`;
}
