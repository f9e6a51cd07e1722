namespace RxStreams.Fuzzing.Host;

/// <summary>An input item of the fuzz routes: <c>{"text":"…"}</c>.</summary>
public sealed record FuzzSay(string? Text);

/// <summary>What <c>fuzz/echo/{n}</c> answers: <c>{"text":"…","n":n}</c>.</summary>
public sealed record FuzzEcho(string? Text, int N);

/// <summary>An item counted by <c>fuzz/count/{n}</c>: <c>{"i":i}</c>.</summary>
public sealed record FuzzTick(int I);

/// <summary>The request of <c>fuzz/add</c>: <c>{"a":1,"b":2}</c>.</summary>
public sealed record FuzzAdd(int A, int B);
