import type { NextConfig } from "next";

const config: NextConfig = {
  // A separate build folder lets a benchmark or a second checkout build without
  // clobbering the one `npm start` serves.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  serverExternalPackages: ["better-sqlite3", "postgres"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
