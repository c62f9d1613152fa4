import { SignupFlow } from "@/components/auth/signup-flow";
import { signUp } from "./actions";
import { PageTitle } from "@/components/ui/page-title";

export default function SignupPage() {
  return (
    <>
      <PageTitle>Create an account</PageTitle>
      <SignupFlow signUp={signUp} />
    </>
  );
}
