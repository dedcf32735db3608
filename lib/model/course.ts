// Browser-safe helpers about courses.

/** "CS101 Introduction to Computer Science", or the name alone when the course has no short code. */
export function courseLabel(course: { name: string; code: string | null }, separator = " "): string {
  return course.code ? `${course.code}${separator}${course.name}` : course.name;
}

/** The short form for a sentence: "CS101", or the name. */
export function courseShortName(course: { name: string; code: string | null }): string {
  return course.code ?? course.name;
}
