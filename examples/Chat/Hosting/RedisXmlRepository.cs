using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using StackExchange.Redis;

namespace Chat.Hosting;

/// <summary>
/// Keeps ASP.NET Core's data-protection keys in a Redis list, so every instance can read the login cookie any other
/// instance wrote (a browser whose node goes away reconnects to another one, still signed in).
/// </summary>
internal sealed class RedisXmlRepository(Lazy<ConnectionMultiplexer> redis, string key) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
        => [.. redis.Value.GetDatabase().ListRange(key).Select(value => XElement.Parse((string)value!))];

    public void StoreElement(XElement element, string friendlyName)
        => redis.Value.GetDatabase().ListRightPush(key, element.ToString(SaveOptions.DisableFormatting));
}
