// Type declarations of the browser client.
