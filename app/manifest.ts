import type { MetadataRoute } from "next";
import { SITE } from "@/lib/model/site";

/** Lets students add Rollcall to their home screen; it opens straight on the check-in page. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/join",
    name: "Rollcall — check in to class",
    short_name: "Rollcall",
    description: "Scan the code on the classroom screen and you're checked in.",
    start_url: "/join",
    scope: "/",
    display: "standalone",
    orientation: "portrait",
    background_color: SITE.backgroundColor,
    theme_color: SITE.themeColor,
    categories: ["education", "productivity"],
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
