"""Who is calling: systems with OAuth2 client credentials and a private_key_jwt assertion, guardians and young people
with an OpenID Connect ID token; the hub's access tokens; scopes. What they may see is hub.access's business.
"""
