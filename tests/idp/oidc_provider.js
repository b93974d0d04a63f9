// A real OpenID Connect provider (panva's oidc-provider) for the single sign-on tests.
// Started by tests/idp/oidc.py with PORT, CLIENT (JSON: client_id, client_secret,
// redirect_uri) and ACCOUNTS (JSON: login -> claims). Its development sign-in pages take a
// login name (any password) and ask for consent; "READY" on stdout says it listens.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const client = JSON.parse(process.env.CLIENT);
const accounts = JSON.parse(process.env.ACCOUNTS);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: [client.redirect_uri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["given_name", "family_name"],
  },
  cookies: { keys: ["dyad-test-only"] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
});
provider.listen(port, "127.0.0.1", () => console.log("READY"));
