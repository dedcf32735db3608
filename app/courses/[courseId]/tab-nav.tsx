import Link from "next/link";
import { tabHref, type CourseTab } from "./tabs";

/**
 * Server-rendered links, one per tab: each tab has its own address (shareable,
 * back button works), the keyboard moves with Tab like any link, and the
 * current one says so with aria-current.
 */
export function TabNav({ courseId, tabs, current }: { courseId: string; tabs: CourseTab[]; current: string }) {
  if (tabs.length < 2) return null;
  return (
    <nav aria-label="Course sections" className="-mx-4 overflow-x-auto border-b border-slate-200 px-4 sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1">
        {tabs.map((t) => {
          const active = t.id === current;
          return (
            <li key={t.id}>
              <Link
                href={tabHref(courseId, t.id)}
                aria-current={active ? "page" : undefined}
                scroll={false}
                className={`-mb-px inline-flex items-center border-b-2 px-3 py-2.5 text-sm font-semibold focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-600 ${
                  active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
                }`}
              >
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
