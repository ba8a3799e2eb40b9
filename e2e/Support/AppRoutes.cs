using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace Portal.E2E;

/// <summary>A routable page of the portal: one <c>@page</c> template of one component.</summary>
/// <param name="Template">The route template, e.g. <c>/incidents/{Number}</c>.</param>
/// <param name="Component">The component's full type name.</param>
/// <param name="NeedsSignIn">True when the component carries an <c>[Authorize]</c> attribute.</param>
public sealed record AppRoute(string Template, string Component, bool NeedsSignIn)
{
    public bool HasParameters => Template.Contains('{', StringComparison.Ordinal);

    /// <summary>Matches a concrete path of this template: each <c>{parameter}</c> is one path segment.</summary>
    public Regex Pattern { get; } = new("^" + Regex.Replace(
        Regex.Replace(Regex.Escape(Template).Replace(@"\{", "{", StringComparison.Ordinal), "{[^}:]+:int}", @"\d+"), "{[^}]+}", "[^/]+") + "$");

    public override string ToString() => Template;
}

/// <summary>
/// Reads every routable page from the portal's assembly (its <c>RouteAttribute</c>s) without loading it, so that a new page
/// is walked by the accessibility and phone tests from the day it is added.
/// </summary>
public static class AppRoutes
{
    private const string RouteAttribute = "Microsoft.AspNetCore.Components.RouteAttribute";
    private const string AuthorizeAttribute = "Microsoft.AspNetCore.Authorization.AuthorizeAttribute";

    public static IReadOnlyList<AppRoute> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var routes = new List<AppRoute>();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            var templates = new List<string>();
            var needsSignIn = false;
            foreach (var attributeHandle in type.GetCustomAttributes())
            {
                var attribute = metadata.GetCustomAttribute(attributeHandle);
                var name = AttributeTypeName(metadata, attribute);
                if (name == RouteAttribute)
                {
                    var blob = metadata.GetBlobReader(attribute.Value);
                    blob.ReadUInt16(); // the prolog, 0x0001
                    templates.Add(blob.ReadSerializedString() ?? throw new InvalidDataException($"A null route on {metadata.GetString(type.Name)}"));
                }
                else if (name == AuthorizeAttribute)
                {
                    needsSignIn = true;
                }
            }
            var component = $"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}";
            routes.AddRange(templates.Select(t => new AppRoute(t, component, needsSignIn)));
        }
        return [.. routes.OrderBy(r => r.Template, StringComparer.Ordinal)];
    }

    private static string? AttributeTypeName(MetadataReader metadata, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return null;
        }
        var constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
        if (constructor.Parent.Kind != HandleKind.TypeReference)
        {
            return null;
        }
        var type = metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent);
        return $"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}";
    }
}
