import { nextAuthRoute } from "@/lib/api/next-auth";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = nextAuthRoute;
