import { Head, Html, Main, NextScript } from "next/document";

/** The same <html> and <body> as app/layout.tsx gives every other page. */
export default function Document() {
  return (
    <Html lang="en">
      <Head />
      <body className="min-h-dvh font-sans">
        <Main />
        <NextScript />
      </body>
    </Html>
  );
}
