using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;

namespace LokiLambdaExtension.Properties.Tenancy;

/// <summary>The Lambda tenant → Loki tenant mapping: a valid id comes back as prefix + id, nothing else ever reaches a
/// header, and what carries a tenant (spool files, archive keys) gives it back.</summary>
public sealed class TenantIdProperties
{
    private const string Allowed = "abcxyzABCXYZ0189!-_.*'()";

    private static readonly Gen<string> ValidPart =
        Gen.Choose(1, 60).SelectMany(n => Gen.Elements(Allowed.ToCharArray()).ArrayOf(n)).Select(c => new string(c)).Where(s => s is not ("." or ".."));

    /// <summary>Text Lambda might send and Loki refuses: a character outside Loki's set somewhere in an id.</summary>
    private static readonly Gen<string> WithAForbiddenCharacter =
        from valid in ValidPart
        from bad in Gen.Elements('/', ':', ' ', '@', '=', '+', '|', '\n', '\0', 'é', '\u202e', '\ud83d')
        from at in Gen.Choose(0, valid.Length)
        select valid.Insert(at, bad.ToString());

    private static readonly Seq<HttpHeader> Configured = Prelude.Seq(new HttpHeader("Authorization", "Bearer t"), new HttpHeader("x-scope-orgid", "ops"));

    [Property(MaxTest = 300)]
    public Property For_AValidId_IsThePrefixAndTheId() => Prop.ForAll(ValidPart.ToArbitrary(), Gen.Elements("", "acme-", "t.").ToArbitrary(),
        (id, prefix) => Assert.Equal(prefix + id, LokiTenantIds.For(prefix, id)));

    [Property(MaxTest = 300)]
    public Property For_AnIdWithACharacterLokiRefuses_IsNone() => Prop.ForAll(WithAForbiddenCharacter.ToArbitrary(),
        id => Assert.Null(LokiTenantIds.For("acme-", id)));

    [Property(MaxTest = 300)]
    public Property For_AnyText_GivesAValidIdOrNone_AndThePushCarriesItOrTheConfiguredOne() =>
        Prop.ForAll(Gen.OneOf(Generators.UnicodeString, ValidPart, WithAForbiddenCharacter, Gen.Constant(new string('a', 151)), Gen.Constant(".")).ToArbitrary(),
            id =>
            {
                string? tenant = LokiTenantIds.For("", id);
                string header = Assert.Single(TenantHeaders.For(Configured, tenant), h => h.Name.Equals("X-Scope-OrgID", StringComparison.OrdinalIgnoreCase)).Value;

                Assert.True(tenant is null || (LokiTenantIds.IsValid(tenant) && tenant == id));
                Assert.Equal(tenant ?? "ops", header);
                Assert.Contains(TenantHeaders.For(Configured, tenant), h => h.Name == "Authorization");
            });

    [Fact]
    public void IsValid_FollowsLokisRules()
    {
        Assert.True(LokiTenantIds.IsValid(new string('a', 150)));
        Assert.False(LokiTenantIds.IsValid(new string('a', 151)));
        Assert.False(LokiTenantIds.IsValid(""));
        Assert.False(LokiTenantIds.IsValid("."));
        Assert.False(LokiTenantIds.IsValid(".."));
        Assert.True(LokiTenantIds.IsValid("..."));
        Assert.False(LokiTenantIds.IsValid("a|b")); // Loki's separator of tenants in a query
        Assert.Null(LokiTenantIds.For("acme-", new string('b', 146))); // valid alone, too long with the prefix
    }

    [Property(MaxTest = 100)]
    public Property SpoolFile_KeepsEachEntrysTenant() =>
        Prop.ForAll(Generators.Entries, Gen.Elements<string?>(null, "acme-blue", "ops").ArrayOf(3).ToArbitrary(), (entries, tenants) =>
        {
            LogEntry[] tenanted = [.. entries.Select((e, i) => e with { Tenant = tenants[i % tenants.Length] })];

            var read = SpoolFormat.Read(SpoolFormat.Write([.. tenanted]));

            Assert.Equal(tenanted.Select(e => e.Tenant), read.Select(e => e.Tenant));
        });

    [Fact]
    public void SpoolFile_ThatNamesAnInvalidTenant_IsRefusedWhole()
    {
        byte[] bytes = SpoolFormat.Write([new LogEntry(1, "line", StreamKind.Function) { Tenant = "abc" }]);
        int at = bytes.AsSpan().IndexOf("abc"u8);
        bytes[at + 1] = (byte)'/';

        Assert.Throws<InvalidDataException>(() => SpoolFormat.Read(bytes));
    }

    [Fact]
    public void SpoolFile_OfTheVersionBeforeTenants_StillReadsBack()
    {
        // LKS1: magic, count, then time, stream, line, pairs: no tenant.
        byte[] v1 = [.. "LKS1"u8, 1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 4, .. "line"u8, 0, 0, 0, 0];

        LogEntry entry = Assert.Single(SpoolFormat.Read(v1));

        Assert.Equal((7L, "line", StreamKind.Function, (string?)null), (entry.UnixNanos, entry.Line.ToString(), entry.Stream, entry.Tenant));
    }

    [Property(MaxTest = 200)]
    public Property ArchiveKey_NamesTheTenant_AndReplayReadsItBack() => Prop.ForAll(ValidPart.ToArbitrary(), tenant =>
    {
        var location = new ArchiveLocation("bucket", "logs/prod");

        string key = ArchiveKeys.For(location, "orders", 1_795_000_000_000_000_000, 42, 7, tenant);

        Assert.StartsWith($"logs/prod/tenant={tenant}/orders/", key, StringComparison.Ordinal);
        Assert.Equal(tenant, ArchiveKeys.TenantOf(location, key));
        Assert.Null(ArchiveKeys.TenantOf(location, ArchiveKeys.For(location, "orders", 1_795_000_000_000_000_000, 42, 7)));
        // A service named like a tenant's segment cannot pass for one.
        Assert.Null(ArchiveKeys.TenantOf(location, ArchiveKeys.For(location, $"tenant={tenant}", 1_795_000_000_000_000_000, 42, 7)));
    });
}
