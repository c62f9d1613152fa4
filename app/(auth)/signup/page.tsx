import type { Metadata } from "next";
import { SignupFlow } from "@/components/auth/signup-flow";
import { signUp } from "./actions";

export const metadata: Metadata = { title: "Create an account" };

export default function SignupPage() {
  return <SignupFlow signUp={signUp} />;
}
