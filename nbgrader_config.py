"""nbgrader configuration for the course repository.

The instructor versions of the labs (solutions and hidden tests) live in ``solutions/``;
nbgrader generates the student versions into ``labs/``, which are committed. Grading happens
in a separate course directory outside the committed tree (see the instructor guide).
"""

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "svd-intuitions"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "labs"
# Generating the student version needs no gradebook; keep the database out of the tree.
c.GenerateAssignment.no_database = True
c.SaveCells.enabled = False

# Student notebooks: answer cells show a clear instruction instead of nbgrader's default.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError(\"Replace this line with your code.\")"
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Hidden tests are removed from the student version, markers included.
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"
# Never let a released notebook carry outputs.
c.ClearOutput.enabled = True
