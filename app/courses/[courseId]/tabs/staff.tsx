import { StaffPanel } from "@/components/course/staff-panel";
import { appUrl } from "@/lib/courses/courses";
import { can } from "@/lib/courses/permissions";
import { listStaff } from "@/lib/courses/staff";
import type { CourseTabProps } from "../tabs";

/** Staff: owners and TAs and their invitations; only owners get the buttons. */
export async function StaffTab({ user, courseId, role }: CourseTabProps) {
  const staff = await listStaff(user, courseId);
  return <StaffPanel courseId={courseId} staff={staff} me={user.id} canManage={can(role, "staff.manage")} registerUrl={`${appUrl()}/register`} />;
}
