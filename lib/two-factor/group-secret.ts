/** The Secret Key as people type it: groups of four characters. (No Node imports: the browser uses it.) */
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}
