// The browser client is built in src/RxStreams.AspNetCore/Client (see issue: browser client).
