import type { AppProps } from "next/app";
import "@/components/join/join.css";

/** The Pages Router holds /join alone (see pages/join.tsx); its stylesheet is /join's own. */
export default function App({ Component, pageProps }: AppProps) {
  return <Component {...pageProps} />;
}
