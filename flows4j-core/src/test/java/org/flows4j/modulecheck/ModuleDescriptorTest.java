package org.flows4j.modulecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.tensor.ChildJvm;
import org.junit.jupiter.api.Test;

/** The module descriptor of flows4j-core exports the API packages only, and the module works on the module path. */
class ModuleDescriptorTest {
    private static final Set<String> API = Set.of("org.flows4j.autodiff", "org.flows4j.check", "org.flows4j.data",
            "org.flows4j.distribution", "org.flows4j.flows", "org.flows4j.io", "org.flows4j.nn", "org.flows4j.optim",
            "org.flows4j.tensor", "org.flows4j.train", "org.flows4j.transform", "org.flows4j.transform.autoregressive",
            "org.flows4j.transform.coupling", "org.flows4j.vi");

    private static Path location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleDescriptor descriptor() throws Exception {
        return ModuleFinder.of(location(FlowModel.class)).find("org.flows4j.core").orElseThrow().descriptor();
    }

    @Test
    void exportsEveryPackageButTheKernels() throws Exception {
        ModuleDescriptor d = descriptor();
        Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(new TreeSet<>(API), new TreeSet<>(exported));
        Set<String> hidden = new TreeSet<>(d.packages());
        hidden.removeAll(API);
        assertEquals(Set.of("org.flows4j.tensor.kernel"), hidden);
        assertTrue(d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertTrue(d.requires().stream().anyMatch(r -> r.name().equals("jdk.incubator.vector")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)));
    }

    /** Runs {@link ModuleMain} with the module on the module path; returns its {@code key=value} lines. */
    private static Map<String, String> runOnModulePath(boolean vector) throws Exception {
        String modulePath = String.join(File.pathSeparator, location(FlowModel.class).toString(),
                location(ObjectMapper.class).toString(), location(JsonFactory.class).toString(),
                location(JsonProperty.class).toString());
        String out = ChildJvm.exec(List.of(ChildJvm.java(), "--module-path", modulePath, "--add-modules",
                vector ? "org.flows4j.core,jdk.incubator.vector" : "org.flows4j.core",
                "-cp", location(ModuleMain.class).toString(), ModuleMain.class.getName()));
        Map<String, String> found = new HashMap<>();
        for (String line : out.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("WARNING")) {
                found.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return found;
    }

    @Test
    void onTheModulePathTheApiWorksAndTheKernelsAreHidden() throws Exception {
        double[] expected = FlowModel.untrained(FlowSpec.defaults("nsf", 2))
                .logProb(new double[][] {{0.1, -0.2}, {1.5, 0.3}, {-2.0, 0.7}}, null);
        for (boolean vector : new boolean[] {false, true}) {
            Map<String, String> found = runOnModulePath(vector);
            assertEquals("org.flows4j.core", found.get("module"), found.toString());
            assertEquals(String.valueOf(vector), found.get("vector"), found.toString());
            assertEquals("hidden", found.get("kernel"), found.toString());
            String[] logp = found.get("logp").split(" ");
            assertEquals(expected.length, logp.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], Double.parseDouble(logp[i]), 1e-5 * (1 + Math.abs(expected[i])),
                        "row " + i + (vector ? " with" : " without") + " the Vector API");
            }
        }
    }
}
