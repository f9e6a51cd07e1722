using Microsoft.CodeAnalysis;
using RxStreams.Generators.Helpers;
using RxStreams.Generators.Model;

namespace RxStreams.Generators.Emitting;

/// <summary>
/// Emits the assembly's registration class: an idempotent Register() for its router and serializers, the
/// [assembly: StreamRegistration] attribute that lets referencing assemblies find it, and a module initializer
/// that registers this assembly and every referenced one, so nothing is discovered by scanning at run time.
/// </summary>
internal static class RegistrationEmitter
{
    public static void Emit(SourceProductionContext context, RegistrationModel model)
    {
        var text = Generate(model);
        if (text is not null)
        {
            context.AddSource("RxStreams.Registration.g.cs", text);
        }
    }

    public static string? Generate(RegistrationModel model)
    {
        var assembly = model.Assembly;
        var hasOwn = model.HasRouter || model.Serializers.Count > 0;
        var hasReferenced = assembly.ReferencedRegistrations.Count > 0 && assembly.SupportsModuleInitializer;
        if (!hasOwn && !hasReferenced)
        {
            return null;
        }

        var writer = new SourceWriter();
        EmitterHelpers.WriteHeader(writer);
        writer.WriteLine("#pragma warning disable CA2255 // a module initializer is how a library registers its routes and serializers without scanning");
        writer.WriteLine();
        if (hasOwn)
        {
            writer.WriteLine($"[assembly: global::RxStreams.Routing.StreamRegistrationAttribute(typeof(global::RxStreams.Generated.{assembly.ClassName}))]");
            writer.WriteLine();
        }
        writer.WriteLine("namespace RxStreams.Generated");
        writer.OpenBlock();
        if (hasOwn)
        {
            writer.WriteLine("/// <summary>The stream routes and serializers the RxStreams source generator emitted for this assembly.</summary>");
            writer.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            writer.WriteLine($"public static partial class {assembly.ClassName}");
        }
        else
        {
            writer.WriteLine("/// <summary>Registers the stream routes and serializers of the referenced assemblies when this one loads.</summary>");
            writer.WriteLine($"internal static class {assembly.ClassName}");
        }
        writer.OpenBlock();

        if (hasOwn)
        {
            writer.WriteLine("private static int s_registered;");
            writer.WriteLine();
            writer.WriteLine("/// <summary>Registers this assembly's router and serializers. Calling it again does nothing.</summary>");
            writer.WriteLine("public static void Register()");
            writer.OpenBlock();
            writer.WriteLine("if (global::System.Threading.Interlocked.Exchange(ref s_registered, 1) != 0)");
            writer.OpenBlock();
            writer.WriteLine("return;");
            writer.CloseBlock();
            foreach (var serializer in model.Serializers)
            {
                writer.WriteLine($"global::RxStreams.Serialization.StreamSerializer.Register<{serializer.TypeName}>({serializer.SerializerName}.Instance);");
            }
            if (model.HasRouter)
            {
                writer.WriteLine("global::RxStreams.Routing.StreamRoutes.Register(Router.Instance);");
            }
            writer.CloseBlock();
        }

        if (assembly.SupportsModuleInitializer)
        {
            if (hasOwn)
            {
                writer.WriteLine();
            }
            writer.WriteLine("/// <summary>Runs when the assembly loads: registers the referenced assemblies, then this one (whose serializers win).</summary>");
            writer.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            writer.WriteLine("internal static void Initialize()");
            writer.OpenBlock();
            foreach (var referenced in assembly.ReferencedRegistrations)
            {
                writer.WriteLine(referenced + ".Register();");
            }
            if (hasOwn)
            {
                writer.WriteLine("Register();");
            }
            writer.CloseBlock();
        }

        writer.CloseBlock();
        writer.CloseBlock();
        return writer.ToString();
    }
}
