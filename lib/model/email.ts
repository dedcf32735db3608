import { z } from "zod";

/** An e-mail address as people type it: trimmed, at most 254 characters. */
export const emailSchema = z.string().trim().max(254).pipe(z.email({ message: "Enter a valid e-mail address." }));

/** E-mail is unique case-insensitively (SPEC §2): this is the form accounts and invitations are matched by. */
export const emailKey = (email: string) => email.trim().toLowerCase();
