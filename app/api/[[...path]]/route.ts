import { toErrorResponse } from "@/lib/api/errors";
import { methods } from "@/lib/api/route";
import { AppError } from "@/lib/errors";

// Any /api path no route answers, /api itself included: the §4 envelope instead of Next's HTML 404 page, whatever the method or body.
const notFound = async () => toErrorResponse(new AppError("not_found", "There is no API at this address."));

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = methods({
  GET: notFound, HEAD: notFound, POST: notFound, PUT: notFound, PATCH: notFound, DELETE: notFound, OPTIONS: notFound,
});
