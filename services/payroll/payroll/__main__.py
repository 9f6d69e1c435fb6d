from payroll.app import main

main()
