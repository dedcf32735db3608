import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/page";
import { courseAccess } from "@/lib/courses/access";
import { courseByEnrollCode, enrollSchema } from "@/lib/courses/enrollment";
import { isStaff } from "@/lib/model/vocabulary";
import { EnrollConfirm } from "./enroll-confirm";

export const metadata: Metadata = { title: "Enroll" };

type Props = { params: Promise<{ code: string }> };

export default async function EnrollPage({ params }: Props) {
  const { code: raw } = await params;
  const user = await requirePageUser(`/enroll/${encodeURIComponent(raw)}`);
  const parsed = enrollSchema.safeParse({ code: raw });
  const course = parsed.success ? await courseByEnrollCode(parsed.data.code) : null;
  const access = course ? await courseAccess(user.id, course.id) : null;

  let body: React.ReactNode;
  if (!course || !parsed.success) {
    body = (
      <Message title="No course has this enroll code">
        Check the code with your teacher. Codes are 8 letters and digits, like <span className="font-mono">ABCD2345</span>; you can also type it on your dashboard.
      </Message>
    );
  } else if (access && isStaff(access.role)) {
    body = (
      <Message title={`You teach ${course.name}`} action={{ href: `/courses/${course.id}`, label: "Open the course" }}>
        Share this link with your students: they enroll here after signing in.
      </Message>
    );
  } else if (course.archived && access?.enrollmentStatus !== "approved") {
    body = <Message title={`${course.name} is archived`}>It takes no new students. Ask your teacher if this is a mistake.</Message>;
  } else if (access?.enrollmentStatus === "approved") {
    body = <Message title={`You're already enrolled in ${course.name}`}>You can check in whenever your teacher opens attendance.</Message>;
  } else if (access?.enrollmentStatus === "pending") {
    body = <Message title="Waiting for approval">Your request to join {course.name} is with the teacher.</Message>;
  } else if (access?.enrollmentStatus === "rejected") {
    body = <Message title="Your request was declined">Ask the teacher of {course.name} if this is a mistake.</Message>;
  } else {
    body = <EnrollConfirm code={parsed.data.code} course={{ name: course.name, code: course.code, term: course.term }} />;
  }

  return (
    <>
      <AppHeader user={user} />
      <main id="main" className="mx-auto max-w-md px-4 py-8 sm:py-16">
        {body}
      </main>
    </>
  );
}

function Message({ title, children, action = { href: "/dashboard", label: "Go to your dashboard" } }: { title: string; children: React.ReactNode; action?: { href: string; label: string } }) {
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-bold">{title}</h1>
      <p className="mt-2 text-slate-700">{children}</p>
      <Link href={action.href} className={buttonClass("primary", "lg", "mt-6 w-full")}>
        {action.label}
      </Link>
    </Card>
  );
}
