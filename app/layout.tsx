import type { Metadata } from "next";
import { headers } from "next/headers";
import { HydrationMarker } from "@/components/hydration-marker";
import "./globals.css";

export const metadata: Metadata = {
  description: "Two-factor authentication for your team's account.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await headers(); // every page is rendered per request: the CSP nonce differs each time
  return (
    <html lang="en">
      <body className="min-h-screen">
        {children}
        <HydrationMarker />
      </body>
    </html>
  );
}
