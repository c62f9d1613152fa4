import { redirect } from "next/navigation";
import { currentSession, ENROL_PATH } from "@/lib/auth/session";

export default async function Home() {
  const session = await currentSession();
  redirect(!session ? "/login" : session.mustEnrol ? ENROL_PATH : "/profile");
}
