package org.flows4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static Table read(CsvReader r, String content) throws IOException {
        return r.read(new StringReader(content), "mem.csv");
    }

    private static String error(CsvReader r, String content) {
        return assertThrows(IllegalArgumentException.class, () -> read(r, content)).getMessage();
    }

    @Test
    void headerIsDetectedFromANonNumericFirstRow() throws IOException {
        Table t = new CsvReader().read(file("iris.csv", "sepal,petal,species\n5.1,1.4,0\n4.9,-1.5e-1,1\n"));
        assertEquals(List.of("sepal", "petal", "species"), t.columns());
        assertEquals(2, t.numRows());
        assertArrayEquals(new double[] {5.1, 1.4, 0}, t.rows()[0]);
        assertArrayEquals(new double[] {4.9, -0.15, 1}, t.rows()[1]);
    }

    @Test
    void headerOfAFileFollowsTheSameRuleAsRead() throws IOException {
        Path named = file("named.csv", "\uFEFF\n\"a\", b ,c\n1,2,3\n");
        assertEquals(Optional.of(List.of("a", " b ", "c")), new CsvReader().header(named));
        assertEquals(new CsvReader().read(named).columns(), new CsvReader().header(named).orElseThrow());
        Path numbers = file("numbers.csv", "1,2e3,-4\n5,6,7\n");
        assertEquals(Optional.empty(), new CsvReader().header(numbers));
        assertEquals(Optional.of(List.of("1", "2e3", "-4")), new CsvReader().header(CsvReader.Header.PRESENT).header(numbers));
        assertEquals(Optional.empty(), new CsvReader().header(CsvReader.Header.ABSENT).header(named));
        assertEquals(Optional.of(List.of("a", "b")), new CsvReader().delimiter(';').header(file("semi.csv", "a;b\n1;2\n")));
        String msg = assertThrows(IllegalArgumentException.class, () -> new CsvReader().header(file("blank.csv", "\n \n")))
                .getMessage();
        assertTrue(msg.contains("blank.csv has no records"), msg);
    }

    @Test
    void numericFirstRowIsData() throws IOException {
        Table t = read(new CsvReader(), "1,2\n3,4\n");
        assertEquals(List.of("col0", "col1"), t.columns());
        assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, t.rows());
    }

    @Test
    void aSingleTextFieldMakesAHeaderAndModesOverrideDetection() throws IOException {
        assertEquals(List.of("1", "x"), read(new CsvReader(), "1,x\n3,4\n").columns());
        Table forced = read(new CsvReader().header(CsvReader.Header.PRESENT), "10,20\n3,4\n");
        assertEquals(List.of("10", "20"), forced.columns());
        assertEquals(1, forced.numRows());
        String msg = error(new CsvReader().header(CsvReader.Header.ABSENT), "a,b\n3,4\n");
        assertTrue(msg.contains("mem.csv line 1, column 1"), msg);
    }

    @Test
    void blankLinesBomQuotesCrlfAndOtherDelimitersAreHandled() throws IOException {
        Table t = read(new CsvReader(), "\uFEFF\"a\",\"b \"\"q\"\"\"\r\n\r\n 1 , \"2\" \r\n\n3,4\n\n");
        assertEquals(List.of("a", "b \"q\""), t.columns());
        assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, t.rows());
        Table semi = read(new CsvReader().delimiter(';'), "x;y\n1.5;2\n");
        assertArrayEquals(new double[][] {{1.5, 2}}, semi.rows());
        Table tabs = read(new CsvReader().delimiter('\t').columns("y"), "x\ty\n1,5\t2\n");
        assertArrayEquals(new double[][] {{2}}, tabs.rows());
        assertThrows(IllegalArgumentException.class, () -> new CsvReader().delimiter('"'));
        assertThrows(IllegalArgumentException.class, () -> new CsvReader().delimiter(' '));
    }

    @Test
    void columnsAreSelectedByNameOrIndexInTheGivenOrder() throws IOException {
        String csv = "a,label,b\n1,setosa,2\n3,virginica,4\n";
        Table byName = read(new CsvReader().columns("b", "a"), csv);
        assertEquals(List.of("b", "a"), byName.columns());
        assertArrayEquals(new double[][] {{2, 1}, {4, 3}}, byName.rows());
        Table byIndex = read(new CsvReader().columnIndices(2), csv);
        assertEquals(List.of("b"), byIndex.columns());
        assertArrayEquals(new double[][] {{2}, {4}}, byIndex.rows());
        Table headerless = read(new CsvReader().columnIndices(1), "1,2\n3,4\n");
        assertEquals(List.of("col1"), headerless.columns());
        assertArrayEquals(new double[][] {{2}, {4}}, headerless.rows());
    }

    @Test
    void badSelectionsAreExplained() {
        String csv = "a,b,a\n1,2,3\n";
        assertTrue(error(new CsvReader().columns("z"), csv).contains("\"z\" is not in the header of mem.csv; columns: a, b, a"));
        assertTrue(error(new CsvReader().columns("a"), csv).contains("more than once"));
        assertTrue(error(new CsvReader().columnIndices(3), csv).contains("index 3 is out of range: mem.csv has 3 columns"));
        assertTrue(error(new CsvReader().columns("a"), "1,2\n").contains("no header"));
        assertThrows(IllegalArgumentException.class, () -> new CsvReader().columns("a", "a"));
        assertThrows(IllegalArgumentException.class, () -> new CsvReader().columnIndices(-1));
        assertThrows(IllegalArgumentException.class, () -> new CsvReader().columnIndices());
    }

    @Test
    void everyBadValueNamesFileLineAndColumn() throws IOException {
        Path p = file("bad.csv", "x,y,z\n1,2,3\n\n4,abc,6\n");
        String msg = assertThrows(IllegalArgumentException.class, () -> new CsvReader().read(p)).getMessage();
        assertTrue(msg.contains(p.toString()) && msg.contains("line 4, column 2 (\"y\")") && msg.contains("\"abc\""), msg);

        String csv = "x,y\n1,2\n";
        assertTrue(error(new CsvReader(), csv + "3,\n").contains("line 3, column 2 (\"y\"): empty value"));
        assertTrue(error(new CsvReader(), csv + "NaN,1\n").contains("line 3, column 1 (\"x\"): non-finite value \"NaN\""));
        assertTrue(error(new CsvReader(), csv + "1,-inf\n").contains("line 3, column 2 (\"y\"): non-finite value"));
        assertTrue(error(new CsvReader(), csv + "1e999,1\n").contains("line 3, column 1 (\"x\"): \"1e999\" overflows"));
        assertTrue(error(new CsvReader(), csv + "0x10,1\n").contains("expected a number, got \"0x10\""));
        assertTrue(error(new CsvReader(), csv + "1,2,3\n").contains("line 3: expected 2 fields (as on line 1), got 3"));
        assertTrue(error(new CsvReader(), csv + "\"1,2\n").contains("line 3, column 1: unterminated quoted field"));
        assertTrue(error(new CsvReader(), csv + "\"1\"x,2\n").contains("line 3, column 1: unexpected text"));
        assertTrue(error(new CsvReader(), "\n\n").contains("mem.csv has no records"));
        assertTrue(error(new CsvReader(), "x,y\n").contains("header but no data rows"));
        String nonSelected = "x,label\n1,setosa\n";
        assertArrayEquals(new double[][] {{1}}, read(new CsvReader().columns("x"), nonSelected).rows());
        assertTrue(error(new CsvReader(), nonSelected).contains("line 2, column 2 (\"label\")"));
    }

    @Test
    void tableConvertsToATensorAndRejectsRaggedRows() {
        Table t = new Table(List.of("a", "b"), new double[][] {{1, 2}, {3, 4.5}});
        Tensor x = t.toTensor(DType.FLOAT32);
        assertArrayEquals(new int[] {2, 2}, x.shape());
        assertEquals(4.5, x.at(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Table(List.of("a"), new double[][] {{1, 2}}));
    }
}
